// Send a phone SMS verification code (发送手机短信验证码), Java 17+, standard library only.
//
//   export SMSKIT_BASE_URL=https://iot-api.quectelcn.com   # your data centre's URL
//   export SMSKIT_USER_DOMAIN=...  SMSKIT_USER_DOMAIN_SECRET=...
//   java SendSmsCode.java send PHONE CODETYPE [INTERNATIONALCODE]   # internationalCode 86 by default
//   java SendSmsCode.java sign PHONE CODETYPE RANDOM TS             # only print the signature
//
// Exit status: 0 when the platform answers code 200, 1 when it answers anything else or the
// request fails, 2 for bad usage. Never retried: sending an SMS is not idempotent.

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public class SendSmsCode {
    static final String PATH = "/v2/sms/enduserapi/v2/sendPhoneSmsCode";
    static final String ALPHABET =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** 签名 signature: SHA256(phone + codeType + random + ts + userDomainSecret), lowercase hex. */
    static String sign(String phone, String codeType, String random, String ts, String secret)
            throws NoSuchAlgorithmException {
        String joined = phone + codeType + random + ts + secret;
        byte[] digest = MessageDigest.getInstance("SHA-256")
            .digest(joined.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);  // lowercase
    }

    /** 随机数 random: 16 letters and digits from a CSPRNG. */
    static String newRandom() {
        SecureRandom source = new SecureRandom();
        StringBuilder text = new StringBuilder(16);
        for (int i = 0; i < 16; i++) {
            text.append(ALPHABET.charAt(source.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            System.err.println("set " + name + " in the environment");
            System.exit(2);
        }
        return value;
    }

    public static void main(String[] args) throws Exception {
        boolean send = args.length >= 3 && args.length <= 4 && args[0].equals("send");
        if (!send && !(args.length == 5 && args[0].equals("sign"))) {
            System.err.println("usage: java SendSmsCode.java send PHONE CODETYPE [INTERNATIONALCODE]"
                + " | sign PHONE CODETYPE RANDOM TS");
            System.exit(2);
        }
        String secret = env("SMSKIT_USER_DOMAIN_SECRET");  // never print it
        String phone = args[1], codeType = args[2];
        if (!send) {
            System.out.println(sign(phone, codeType, args[3], args[4], secret));
            return;
        }
        if (!codeType.matches("[1-5]")) {
            System.err.println("CODETYPE must be one digit 1-5: it is sent and signed as typed, got \"" + codeType + "\"");
            System.exit(2);
        }
        String baseUrl = env("SMSKIT_BASE_URL").replaceAll("/+$", "");
        if (!baseUrl.matches("https?://.+")) {
            System.err.println("SMSKIT_BASE_URL must be a URL, e.g. https://iot-api.quectelcn.com");
            System.exit(2);
        }
        String userDomain = env("SMSKIT_USER_DOMAIN");
        String random = newRandom();
        String ts = Long.toString(System.currentTimeMillis());  // 毫秒时间戳 ts in milliseconds

        Map<String, String> query = new LinkedHashMap<>();
        query.put("codeType", codeType);
        query.put("internationalCode", args.length == 4 ? args[3] : "86");
        query.put("phone", phone);
        query.put("random", random);
        query.put("signature", sign(phone, codeType, random, ts, secret));
        query.put("ts", ts);
        query.put("userDomain", userDomain);
        String queryString = query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));

        // POST, every parameter in the query string, empty body.
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + PATH + "?" + queryString))
            .header("accept", "*/*")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException error) {
            System.err.println("request failed, not retried: " + error);
            System.exit(1);
            return;
        }
        // The answer's msg is Chinese (签名验证失败 ...): print UTF-8 whatever the locale.
        new PrintStream(System.out, true, StandardCharsets.UTF_8).println(response.body());
        // Without a JSON library: look for "code": 200. Real code parses with Jackson or Gson.
        boolean ok = response.statusCode() == 200
            && Pattern.compile("\"code\"\\s*:\\s*200\\b").matcher(response.body()).find();
        System.exit(ok ? 0 : 1);
    }
}
