"""Login failures are counted in Django's cache now (duban.people.throttle), not in a table."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_profile_name_and_title"),
    ]

    operations = [
        migrations.DeleteModel(name="LoginFailure"),
    ]
