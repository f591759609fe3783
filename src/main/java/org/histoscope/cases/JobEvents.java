package org.histoscope.cases;

import com.vaadin.flow.shared.Registration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells open views that a job changed, once the change is committed. In-process only: each instance's views
 * hear about the jobs run by that instance, and the case view also re-reads the status table periodically, which
 * covers jobs that another instance ran.
 */
@Component
public class JobEvents {

    private final List<Consumer<JobSummary>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "job-events");
        thread.setDaemon(true);
        return thread;
    });

    public Registration subscribe(Consumer<JobSummary> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publishAfterCommit(JobSummary change) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    dispatch(change);
                }
            });
        } else {
            dispatch(change);
        }
    }

    private void dispatch(JobSummary change) {
        dispatcher.execute(() -> listeners.forEach(listener -> {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                // a closed or broken view must not stop the others from hearing about the change
            }
        }));
    }
}
