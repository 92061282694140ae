from hipext.content import apps as content


class RoutinesConfig(content.ContentAppConfig):
    name = "routines"
