from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0007_training_examples"),
    ]

    operations = [
        migrations.AddField(
            model_name="documenttype",
            name="corrections_at_retraining",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
