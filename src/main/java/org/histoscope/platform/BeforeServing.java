package org.histoscope.platform;

/**
 * Start-up work that must be finished before the HTTP port opens: each such component is a
 * {@link org.springframework.context.SmartLifecycle} whose phase is {@link #phase(int)}, below the phase in which
 * Spring Boot starts the web server (Integer.MAX_VALUE - 2048). So no request is answered, not even the login page,
 * until the database roles are checked, the audit chain anchored, the first administrator exists and the model
 * packages are registered; and an instance that refuses to start never served anything. (ApplicationRunners run
 * only after the port is open.)
 */
public final class BeforeServing {

    /** Well below the web server's start phase, so that the steps' own order leaves room. */
    private static final int FIRST_PHASE = Integer.MAX_VALUE - 8192;

    public static final int CHECK_DATABASE_ROLE = 0;
    /** Before any step that writes audit events. */
    public static final int ANCHOR_AUDIT_CHAIN = 1;
    /** Before the models: a refused admin password stops the start without waiting for model validation. */
    public static final int CREATE_FIRST_ADMINISTRATOR = 2;
    public static final int REGISTER_MODELS = 3;

    private BeforeServing() {
    }

    public static int phase(int step) {
        return FIRST_PHASE + step;
    }
}
