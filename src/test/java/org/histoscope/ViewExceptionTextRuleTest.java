package org.histoscope;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import org.histoscope.platform.InputRejectedException;
import org.junit.jupiter.api.Test;

/** The rule {@link ArchitectureTest#viewsNeverShowAnExceptionsText} catches a view that shows an exception's text. */
class ViewExceptionTextRuleTest {

    @Test
    void aViewThatShowsAnExceptionsMessageInASpanBreaksTheRule() {
        JavaClasses broken = new ClassFileImporter().importClasses(SpanShowingView.class);
        assertThatThrownBy(() -> ArchitectureTest.viewsNeverShowAnExceptionsText.check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("SpanShowingView");
    }

    @Test
    void aListenerThatShowsAnExceptionsMessageInANotificationBreaksTheRule() {
        JavaClasses broken = new ClassFileImporter().importClasses(NotifyingView.class, NotifyingView.Listener.class);
        assertThatThrownBy(() -> ArchitectureTest.viewsNeverShowAnExceptionsText.check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("getMessage");
    }

    @Test
    void aViewThatShowsARefusalWrittenForPeopleKeepsTheRule() {
        JavaClasses fine = new ClassFileImporter().importClasses(RefusalShowingView.class);
        assertThatCode(() -> ArchitectureTest.viewsNeverShowAnExceptionsText.check(fine)).doesNotThrowAnyException();
    }

    static class SpanShowingView extends Div {
        SpanShowingView(Runnable action) {
            try {
                action.run();
            } catch (RuntimeException e) {
                add(new Span(e.getMessage()));
            }
        }
    }

    static class NotifyingView extends Div {
        NotifyingView(Runnable action) {
            add(new Button("Go", new Listener(action)));
        }

        static class Listener implements com.vaadin.flow.component.ComponentEventListener<
                com.vaadin.flow.component.ClickEvent<Button>> {
            private final Runnable action;

            Listener(Runnable action) {
                this.action = action;
            }

            @Override
            public void onComponentEvent(com.vaadin.flow.component.ClickEvent<Button> event) {
                try {
                    action.run();
                } catch (IllegalStateException e) {
                    Notification.show(e.getLocalizedMessage() + " / " + e.getMessage());
                }
            }
        }
    }

    static class RefusalShowingView extends Div {
        RefusalShowingView(Runnable action) {
            try {
                action.run();
            } catch (InputRejectedException e) {
                add(new Span(e.userMessage()));
            }
        }
    }
}
