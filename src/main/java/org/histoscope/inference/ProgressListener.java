package org.histoscope.inference;

/** Receives the fraction (0..1) of work done while a prediction runs; called from the predicting thread. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = fraction -> {
    };

    void progress(double fractionDone);
}
