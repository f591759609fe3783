package org.histoscope.cases;

public enum Sex {
    FEMALE, MALE, OTHER, UNKNOWN
}
