-- Patients, their cases, the images uploaded to a case and the prediction jobs run on them.

CREATE TABLE patient (
    id            BIGSERIAL PRIMARY KEY,
    mrn           VARCHAR(64)  NOT NULL,
    full_name     VARCHAR(200) NOT NULL,
    date_of_birth DATE         NOT NULL,
    sex           VARCHAR(16)  NOT NULL CHECK (sex IN ('FEMALE', 'MALE', 'OTHER', 'UNKNOWN')),
    created_by    VARCHAR(100) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by    VARCHAR(100) NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    version       BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT patient_mrn_unique UNIQUE (mrn)
);
CREATE INDEX patient_name_idx ON patient (lower(full_name));

CREATE TABLE patient_case (
    id                   BIGSERIAL PRIMARY KEY,
    accession_number     VARCHAR(64)  NOT NULL,
    patient_id           BIGINT       NOT NULL REFERENCES patient (id),
    specimen             VARCHAR(200) NOT NULL,
    site                 VARCHAR(200),
    clinical_notes       TEXT,
    status               VARCHAR(16)  NOT NULL CHECK (status IN ('OPEN', 'IN_REVIEW', 'SIGNED_OUT')),
    assigned_pathologist VARCHAR(100),
    created_by           VARCHAR(100) NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by           VARCHAR(100) NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    version              BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT patient_case_accession_unique UNIQUE (accession_number)
);
CREATE INDEX patient_case_patient_idx ON patient_case (patient_id);
CREATE INDEX patient_case_status_idx ON patient_case (status);

-- An uploaded original. The bytes live in the content-addressed store (histoscope.storage.directory), named by sha256.
CREATE TABLE case_image (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT        NOT NULL REFERENCES patient_case (id),
    original_filename VARCHAR(255)  NOT NULL,
    sha256            VARCHAR(64)   NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes        BIGINT        NOT NULL,
    format            VARCHAR(32)   NOT NULL,
    width             INT           NOT NULL,
    height            INT           NOT NULL,
    resolution        VARCHAR(100),
    uploaded_by       VARCHAR(100)  NOT NULL,
    uploaded_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT case_image_once_per_case UNIQUE (case_id, sha256)
);

CREATE TABLE prediction_job (
    id             BIGSERIAL PRIMARY KEY,
    case_id        BIGINT       NOT NULL REFERENCES patient_case (id),
    image_id       BIGINT       NOT NULL REFERENCES case_image (id),
    rerun          BOOLEAN      NOT NULL,
    model_id       BIGINT,
    status         VARCHAR(16)  NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'DONE', 'FAILED')),
    progress       DOUBLE PRECISION NOT NULL DEFAULT 0,
    error_message  TEXT,
    attempts       INT          NOT NULL DEFAULT 0,
    prediction_id  BIGINT,
    requested_by   VARCHAR(100) NOT NULL,
    requested_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at     TIMESTAMP WITH TIME ZONE,
    finished_at    TIMESTAMP WITH TIME ZONE,
    version        BIGINT       NOT NULL DEFAULT 0
);
-- An upload enqueues exactly one job; re-runs with another model are separate, explicit jobs.
CREATE UNIQUE INDEX prediction_job_one_per_upload ON prediction_job (image_id) WHERE NOT rerun;
CREATE INDEX prediction_job_case_idx ON prediction_job (case_id);
CREATE INDEX prediction_job_status_idx ON prediction_job (status);
