package org.histoscope.ui;

import java.util.Map;

/**
 * The numbers the navigation shows beside its entries (work waiting there), for the signed-in user. Implemented by
 * the feature that knows the work (the worklist), so that the shell depends on no feature.
 */
public interface MenuCounts {

    /** Count per menu path (e.g. "review", "cases"); entries without work for this user are absent. */
    Map<String, Long> forCurrentUser();
}
