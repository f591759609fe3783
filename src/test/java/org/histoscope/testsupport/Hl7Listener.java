package org.histoscope.testsupport;

import ca.uhn.hl7v2.AcknowledgmentCode;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.util.Terser;
import ca.uhn.hl7v2.validation.builder.support.NoValidationBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A laboratory information system's HL7 v2 endpoint for tests: HAPI's own MLLP server on a loopback port, which
 * keeps every message it receives and answers as the test's rule says (AA by default, or AE/AR, or late).
 */
public final class Hl7Listener implements AutoCloseable {

    /** What the listener does with a message: the rule gets the control id and how often it was received. */
    public enum Answer { ACCEPT, ERROR, REJECT, LATE }

    public record Received(String controlId, String er7, Message message) {
    }

    private final int port;
    private HapiContext context;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private volatile BiFunction<String, Integer, Answer> rule = (controlId, seen) -> Answer.ACCEPT;
    private volatile long lateMillis = 3000;
    private HL7Service server;

    public Hl7Listener(int port) {
        this.port = port;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public synchronized void start() throws InterruptedException {
        if (server != null) {
            return;
        }
        // a fresh context with its own threads each time: HAPI's default pool is shared by the whole JVM (the app's
        // sender included), and closing a context that uses it would stop it for everyone
        context = new DefaultHapiContext(java.util.concurrent.Executors.newCachedThreadPool());
        context.setValidationRuleBuilder(new NoValidationBuilder());
        context.setLowerLayerProtocol(new MinLowerLayerProtocol(true));
        context.getParserConfiguration().setIdGenerator(new ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator());
        server = context.newServer(port, false);
        server.registerApplication(new ReceivingApplication<Message>() {
            @Override
            public Message processMessage(Message message, Map<String, Object> metadata) throws HL7Exception {
                return answer(message);
            }

            @Override
            public boolean canProcess(Message message) {
                return true;
            }
        });
        server.startAndWait();
    }

    public synchronized void stop() {
        if (server != null) {
            server.stopAndWait();
            server = null;
            try {
                context.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    public void answerWith(BiFunction<String, Integer, Answer> rule) {
        this.rule = rule;
    }

    public void lateBy(long millis) {
        this.lateMillis = millis;
    }

    public List<Received> received(String controlId) {
        return received.stream().filter(r -> r.controlId().equals(controlId)).toList();
    }

    private Message answer(Message message) throws HL7Exception {
        String controlId = new Terser(message).get("/MSH-10");
        String er7;
        try {
            er7 = message.encode();
        } catch (HL7Exception e) {
            er7 = "";
        }
        received.add(new Received(controlId, er7, message));
        int seen = counts.merge(controlId, 1, Integer::sum);
        try {
            return switch (rule.apply(controlId, seen)) {
                case ACCEPT -> message.generateACK();
                case ERROR -> message.generateACK(AcknowledgmentCode.AE, new HL7Exception("LIS busy, try later"));
                case REJECT -> message.generateACK(AcknowledgmentCode.AR, new HL7Exception("Unknown order"));
                case LATE -> {
                    Thread.sleep(lateMillis);
                    yield message.generateACK();
                }
            };
        } catch (IOException e) {
            throw new HL7Exception(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HL7Exception(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
