package org.histoscope.cases;

public enum JobStatus {
    QUEUED, RUNNING, DONE, FAILED
}
