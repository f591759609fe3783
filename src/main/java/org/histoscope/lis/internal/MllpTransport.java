package org.histoscope.lis.internal;

import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.Connection;
import ca.uhn.hl7v2.app.Initiator;
import ca.uhn.hl7v2.llp.LLPException;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.util.Terser;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/** Sends one ER7 message over MLLP and reads the answer's MSA; one connection per message, closed after it. */
@Component
class MllpTransport {

    private final HapiContext context;
    private final LisSettings settings;

    MllpTransport(HapiContext hl7Context, LisSettings settings) {
        this.context = hl7Context;
        this.settings = settings;
    }

    /** The ACK's code (AA, AE, AR, CA, CE, CR) and text. */
    record Acknowledgement(String code, String text) {
        boolean accepted() {
            return "AA".equals(code) || "CA".equals(code);
        }

        boolean refused() {
            return "AR".equals(code) || "CR".equals(code);
        }
    }

    /** @throws DeliveryFailed when there is no answer: refused connection, timeout, broken frame */
    Acknowledgement send(String er7) {
        Connection connection = null;
        try {
            Message message = context.getPipeParser().parse(er7);
            connection = context.newClient(settings.host(), settings.port(), false);
            Initiator initiator = connection.getInitiator();
            initiator.setTimeout(settings.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Message answer = initiator.sendAndReceive(message);
            Terser ack = new Terser(answer);
            String code = ack.get("/MSA-1");
            String text = ack.get("/MSA-3");
            if (text == null) {
                text = ack.get("/ERR-8");
            }
            return new Acknowledgement(code == null ? "" : code, text == null ? "" : text);
        } catch (HL7Exception | LLPException | IOException e) {
            throw new DeliveryFailed(describe(e));
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    // the answer is in hand or the attempt failed already; a close that fails changes neither
                }
            }
        }
    }

    /** A message for the admin view: what went wrong, in words, without a stack. */
    private String describe(Exception e) {
        String where = settings.host() + ":" + settings.port();
        StringBuilder messages = new StringBuilder();
        boolean refused = false;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            messages.append(' ').append(cause.getMessage());
            refused |= cause instanceof java.net.ConnectException;
        }
        String text = messages.toString().toLowerCase(java.util.Locale.ROOT);
        if (refused || text.contains("refused")) {
            return "The LIS at " + where + " did not accept a connection.";
        }
        if (text.contains("timeout") || text.contains("timed out")) {
            return "The LIS at " + where + " did not acknowledge within " + settings.ackTimeout().toSeconds() + " s.";
        }
        return "The exchange with the LIS at " + where + " broke off before an acknowledgement.";
    }

    static final class DeliveryFailed extends RuntimeException {
        DeliveryFailed(String message) {
            super(message);
        }
    }
}
