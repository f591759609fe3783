-- A failed job's reason as a message key and its arguments (issue 26), so that each screen shows it in its reader's
-- language; error_message keeps the English sentence the API and the audit trail quote. NULL key: no translation
-- (older rows, or a sentence without a key), the English text is shown as written.
ALTER TABLE prediction_job ADD COLUMN error_key VARCHAR(120);
ALTER TABLE prediction_job ADD COLUMN error_args TEXT;
