package org.histoscope.models;

/** A model package that failed validation; the message says what is wrong, for the administrator. */
public class ModelPackageRejectedException extends RuntimeException {

    public ModelPackageRejectedException(String message) {
        super(message);
    }

    public ModelPackageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
