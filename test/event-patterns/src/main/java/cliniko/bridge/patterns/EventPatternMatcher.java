package cliniko.bridge.patterns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import software.amazon.event.ruler.JsonRuleCompiler;
import software.amazon.event.ruler.Ruler;

/**
 * Answers "does this EventBridge rule pattern match this event?" with AWS Event Ruler, the library
 * EventBridge's own matching is built on.
 *
 * <p>Protocol: one JSON request per line on stdin, {@code {"id": 1, "pattern": {...}, "event": {...}}};
 * one JSON line per request on stdout, in order: {@code {"id": 1, "matches": true}}, or
 * {@code {"id": 1, "error": "pattern: ..."}} when the pattern (or event, or request) is invalid. A bad
 * request never ends the program; end of input does.
 *
 * <p>Matching is {@link Ruler#matchesRule(String, String)}: a fresh {@code Machine} with the one rule,
 * asked with {@code rulesForJSONEvent}, the array-consistent API (the deprecated {@code Ruler.matches}
 * and {@code rulesForEvent(String)} are not used). {@link JsonRuleCompiler#check(String)} runs
 * first only so that a bad pattern is reported as a pattern error rather than a failed match.
 */
public final class EventPatternMatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventPatternMatcher() {}

  public static void main(String[] args) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      out.write(JSON.writeValueAsString(answer(line)));
      out.newLine();
      // Flush per answer: the caller may wait for this one before sending the next.
      out.flush();
    }
  }

  static ObjectNode answer(String line) {
    ObjectNode reply = JSON.createObjectNode();
    JsonNode request;
    try {
      request = JSON.readTree(line);
    } catch (IOException e) {
      return reply.putNull("id").put("error", "request: not JSON: " + firstLine(e.getMessage()));
    }
    reply.set("id", request.has("id") ? request.get("id") : JSON.nullNode());
    JsonNode pattern = request.get("pattern");
    JsonNode event = request.get("event");
    if (pattern == null || event == null) {
      return reply.put("error", "request: needs both \"pattern\" and \"event\"");
    }
    if (!pattern.isObject()) return reply.put("error", "pattern: must be a JSON object");
    if (!event.isObject()) return reply.put("error", "event: must be a JSON object");

    String patternJson = pattern.toString();
    String problem = JsonRuleCompiler.check(patternJson);
    if (problem != null) return reply.put("error", "pattern: " + firstLine(problem));
    try {
      return reply.put("matches", Ruler.matchesRule(event.toString(), patternJson));
    } catch (Exception e) {
      return reply.put("error", "match: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) return "(no message)";
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
