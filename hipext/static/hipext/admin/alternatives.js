// The alternatives autocomplete of an equipment row never offers the row's own item:
// its search names that item, which the server leaves out of the results
// (EquipmentAdmin.get_search_results). The form refuses it as well.
"use strict";
(function ($) {
  let excluded = "";
  $(document).on("select2:opening", "select[name$='-alternatives']", function () {
    const own = this.closest("tr")?.querySelector("select[name$='-equipment']");
    excluded = own ? own.value : "";
  });
  $.ajaxPrefilter((options) => {
    const data = typeof options.data === "string" ? options.data : "";
    if (excluded && data.includes("field_name=alternatives")) {
      options.data = `${data}&exclude=${encodeURIComponent(excluded)}`;
    }
  });
})(django.jQuery);
