-- Model evaluations run as durable db-scheduler jobs (task "model-evaluation", data = evaluation id) and report
-- their progress (0..1) for the administrators' view.
ALTER TABLE model_evaluation
    ADD COLUMN progress DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1);

-- Evaluations started before this release ran in memory only; their data set is gone, so they can never finish.
UPDATE model_evaluation
   SET status = 'FAILED', error = 'Interrupted by a restart before evaluations were durable jobs; start it again.',
       finished_at = now()
 WHERE status = 'RUNNING';
