-- A model evaluation's failure reason or note as a message key and its arguments (issue 26), as prediction_job has
-- since V15_0: the admin's screen shows it in the admin's language; error keeps the English sentence the audit quotes.
-- NULL key: older rows or a sentence without a key, shown as written.
ALTER TABLE model_evaluation ADD COLUMN error_key VARCHAR(120);
ALTER TABLE model_evaluation ADD COLUMN error_args TEXT;
