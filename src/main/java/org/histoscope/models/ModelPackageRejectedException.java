package org.histoscope.models;

import org.histoscope.platform.WrittenForPeople;

/** A model package that failed validation; the message says what is wrong, for the administrator. */
public class ModelPackageRejectedException extends RuntimeException implements WrittenForPeople {

    public ModelPackageRejectedException(String message) {
        super(message);
    }

    public ModelPackageRejectedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public String userMessage() {
        return getMessage();
    }
}
