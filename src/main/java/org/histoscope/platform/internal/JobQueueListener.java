package org.histoscope.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.histoscope.platform.Unguarded;

/**
 * Listens on PostgreSQL's job-queue channel ({@code LISTEN}) so that an idle node starts a job that another node
 * queued as soon as it is committed, not at its next poll. It holds one connection of its own, outside the pool, so
 * it never takes a connection from requests or jobs. When the database is unreachable it retries every few seconds;
 * meanwhile the queue's polling still finds every job.
 */
@Component
@Unguarded("lifecycle of the job queue's LISTEN connection")
class JobQueueListener implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobQueueListener.class);
    private static final int WAIT_MILLIS = 1000;
    private static final long RECONNECT_MILLIS = 5000;

    private final DataSource dataSource;
    private final JobQueueWakeUp wakeUp;
    private volatile boolean running;
    private Thread thread;

    JobQueueListener(DataSource dataSource, JobQueueWakeUp wakeUp) {
        this.dataSource = dataSource;
        this.wakeUp = wakeUp;
    }

    @Override
    public synchronized void start() {
        running = true;
        thread = new Thread(this::listen, "job-queue-listener");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        boolean warned = false;
        while (running) {
            try (Connection connection = open(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + JobQueueWakeUp.CHANNEL);
                PGConnection postgres = connection.unwrap(PGConnection.class);
                if (warned) {
                    log.info("Listening for queued jobs again");
                    warned = false;
                }
                // a job queued while this node was not listening is found by the next poll; wake up once anyway
                wakeUp.wakeThisNode();
                while (running) {
                    PGNotification[] notifications = postgres.getNotifications(WAIT_MILLIS);
                    if (notifications != null && queuedElsewhere(notifications, wakeUp.node())) {
                        wakeUp.wakeThisNode();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!warned) {
                    log.warn("Cannot listen for queued jobs ({}); jobs queued on other nodes start at the next poll",
                            e.getMessage());
                    warned = true;
                }
                try {
                    Thread.sleep(RECONNECT_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static boolean queuedElsewhere(PGNotification[] notifications, String thisNode) {
        for (PGNotification notification : notifications) {
            if (!thisNode.equals(notification.getParameter())) {
                return true;
            }
        }
        return false;
    }

    /** A connection of its own with the pool's settings; the pool's own connection only if that is not a Hikari pool. */
    private Connection open() throws SQLException {
        if (dataSource.isWrapperFor(HikariDataSource.class)) {
            HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
            if (pool.getJdbcUrl() != null) {
                return DriverManager.getConnection(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword());
            }
        }
        return dataSource.getConnection();
    }
}
