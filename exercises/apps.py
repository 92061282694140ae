from hipext.content import apps as content


class ExercisesConfig(content.ContentAppConfig):
    name = "exercises"
