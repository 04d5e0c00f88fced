// A JUnit 5 test of "your backend" against the smskit sandbox: start it from its ready file,
// send with the signing snippet (SendSmsCode.java, next to this file), assert on the outbox
// and the request log, and move the sandbox's clock instead of sleeping.
//
//   smskit snippet --lang java > SendSmsCode.java
//   javac -d build -cp junit-platform-console-standalone.jar SendSmsCode.java SmsSandboxTest.java
//   java -jar junit-platform-console-standalone.jar -cp build --select-class SmsSandboxTest
//
// SMSKIT_COMMAND names the smskit executable (default: smskit on PATH). Standard library only
// besides JUnit; the sandbox's flat JSON answers are read with regular expressions.

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmsSandboxTest {
    static final String API = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";
    static final HttpClient HTTP = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(5)).build();
    static Process sandbox;
    static String baseUrl;
    static String userDomain;
    static String secret;

    @BeforeAll
    static void startSandbox() throws Exception {
        Path ready = Files.createTempDirectory("sms-sandbox").resolve("sandbox.json");
        String smskit = System.getenv().getOrDefault("SMSKIT_COMMAND", "smskit");
        sandbox = new ProcessBuilder(smskit, "sandbox", "--port", "0", "--quiet",
                "--ready-file", ready.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(ready)) {  // written atomically once the port listens
            if (!sandbox.isAlive()) fail("smskit sandbox exited with " + sandbox.exitValue());
            if (System.nanoTime() > deadline) fail("no ready file within 20 s");
            Thread.sleep(20);
        }
        String info = Files.readString(ready);
        baseUrl = field(info, "url");
        userDomain = field(info, "demoDomain");
        Matcher demo = Pattern.compile("\"name\":\\s*\"" + Pattern.quote(userDomain)
            + "\".*?\"secret\":\\s*\"([^\"]*)\"", Pattern.DOTALL).matcher(info);
        assertTrue(demo.find(), "the ready file lists the demo domain's secret");
        secret = demo.group(1);  // sandbox-only: useless against the real platform
    }

    @AfterAll
    static void stopSandbox() throws Exception {
        sandbox.destroy();  // SIGTERM: the sandbox exits cleanly and removes its ready file
        assertTrue(sandbox.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, sandbox.exitValue());
    }

    @BeforeEach
    void resetSandbox() throws Exception {
        // outbox, rate history, faults, request log, and the clock back to the wall clock
        assertEquals(200, post("/_sandbox/reset", "{\"parts\": \"all\"}").statusCode());
    }

    @Test
    void aCodeIsDeliveredToTheOutbox() throws Exception {
        String phone = "13800138001";
        assertEquals(200, sendCode(phone, "3", false));
        String outbox = get("/_sandbox/outbox?phone=" + phone);
        assertTrue(Pattern.compile("\"code\":\"[0-9]{6}\"").matcher(outbox).find(), outbox);
        assertTrue(outbox.contains("\"codeType\":3"), outbox);
    }

    @Test
    void aPlantedMistakeIsDiagnosedInTheRequestLog() throws Exception {
        String phone = "13800138002";
        assertEquals(5420, sendCode(phone, "3", true));  // uppercase hex: a classic in Java
        String log = get("/_sandbox/requests?phone=" + phone);
        assertTrue(log.contains("\"check\":\"signature\""), log);
        assertTrue(log.contains("\"mistakeId\":\"uppercase-hex\""), log);
        assertTrue(get("/_sandbox/outbox?phone=" + phone).contains("\"deliveries\":[]"));
    }

    @Test
    void aCodeExpiresAfterFiveMinutesWithoutSleeping() throws Exception {
        String phone = "13800138003";
        post("/_sandbox/clock", "{\"frozen\": true}");
        assertEquals(200, sendCode(phone, "2", false));
        String code = field(get("/_sandbox/outbox?phone=" + phone), "code");
        post("/_sandbox/clock", "{\"advanceMs\": 299999}");  // the last valid millisecond
        assertTrue(get("/_sandbox/outbox?phone=" + phone).contains("\"status\":\"valid\""));
        post("/_sandbox/clock", "{\"advanceMs\": 1}");
        String verdict = post("/_sandbox/verify", "{\"phone\": \"" + phone
            + "\", \"codeType\": 2, \"code\": \"" + code + "\"}").body();
        assertEquals("expired", field(verdict, "status"), verdict);
    }

    /** Your backend's send: the snippet's signature, one POST, every parameter in the query. */
    static int sendCode(String phone, String codeType, boolean uppercase) throws Exception {
        String random = SendSmsCode.newRandom();
        String ts = Long.toString(System.currentTimeMillis());
        String signature = SendSmsCode.sign(phone, codeType, random, ts, secret);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("codeType", codeType);
        query.put("internationalCode", "86");
        query.put("phone", phone);
        query.put("random", random);
        query.put("signature", uppercase ? signature.toUpperCase() : signature);
        query.put("ts", ts);
        query.put("userDomain", userDomain);
        String encoded = query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                URI.create(baseUrl + API + "?" + encoded))
            .POST(HttpRequest.BodyPublishers.noBody()).header("accept", "*/*").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode());
        return Integer.parseInt(field(answer.body(), "code"));
    }

    static String get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .header("Content-Type", "application/json").build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer;
    }

    /** The first value of a flat JSON field: a string or a number. */
    static String field(String json, String name) {
        Matcher match = Pattern.compile("\"" + Pattern.quote(name)
            + "\":\\s*(?:\"([^\"]*)\"|(-?[0-9]+))").matcher(json);
        assertTrue(match.find(), name + " in " + json);
        return match.group(1) != null ? match.group(1) : match.group(2);
    }
}
