package io.onescaphandre.operator.opennebula;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hosts whose TEMPLATE changes as oned changes it, for {@link FakeOpenNebula}: {@code
 * one.host.update(session, id, template, type)} ("A:sis", RequestManagerUpdateTemplate) with type 1
 * (append) replaces the attributes named in {@code template} and keeps every other one
 * (Template::merge), type 0 replaces the whole TEMPLATE; attribute names are upper-cased; it needs
 * ADMIN rights on the host (HostUpdateTemplate's auth_op); it answers {@code [true, id, 0]}, an
 * unknown host {@code [false, "... Error getting host [id].", 0x0400]}, a session without the right
 * 0x0200, a template that does not parse 0x2000, another type 0x1000. Single attributes only (what
 * the operator writes); the pool documents stay valid against host.xsd and host_pool.xsd.
 */
final class FakeHostPool {
  private static final Pattern PARAM =
      Pattern.compile(
          "<param>\\s*<value>\\s*(?:<(i4|int|string|boolean)>(.*?)</\\1>|<string/>|([^<]*))\\s*</value>\\s*</param>",
          Pattern.DOTALL);
  private static final Pattern ATTRIBUTE =
      Pattern.compile(
          "\\s*([A-Za-z0-9_]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s\"\\[\\]=]+))\\s*");

  private final Map<Integer, OpenNebulaFixtures.HostFixture> fixtures = new TreeMap<>();
  private final Map<Integer, Map<String, String>> templates = new TreeMap<>();
  final List<String> updates = new ArrayList<>();

  FakeHostPool(List<OpenNebulaFixtures.HostFixture> hosts) {
    for (OpenNebulaFixtures.HostFixture h : hosts) {
      fixtures.put(h.id(), h);
      Map<String, String> template = new LinkedHashMap<>();
      template.put("ARCH", "x86_64");
      template.put("CPUSPEED", "2400");
      if (h.hostname() != null) {
        template.put("HOSTNAME", h.hostname());
      }
      template.put("HYPERVISOR", h.vmMad());
      template.put("RESERVED_CPU", "");
      templates.put(h.id(), template);
    }
  }

  boolean answers(String method) {
    return method.equals("one.hostpool.info")
        || method.equals("one.host.info")
        || method.equals("one.host.update");
  }

  synchronized Map<String, String> template(int id) {
    return new LinkedHashMap<>(templates.get(id));
  }

  synchronized String answer(String method, boolean hostAdmin, String request) {
    List<String> params = params(request);
    switch (method) {
      case "one.hostpool.info":
        return OpenNebulaFixtures.success(poolXml());
      case "one.host.info":
        {
          int id = Integer.parseInt(params.get(1));
          if (!fixtures.containsKey(id)) {
            return OpenNebulaFixtures.error(
                "[one.host.info] Error getting host [" + id + "].", 0x0400);
          }
          return OpenNebulaFixtures.success(hostXml(id));
        }
      default:
        {
          int id = Integer.parseInt(params.get(1));
          String template = params.get(2);
          int type = Integer.parseInt(params.get(3));
          if (!fixtures.containsKey(id)) {
            return OpenNebulaFixtures.error(
                "[one.host.update] Error getting host [" + id + "].", 0x0400);
          }
          if (!hostAdmin) {
            return OpenNebulaFixtures.error(
                "[one.host.update] User [2] : Not authorized to perform ADMIN HOST [" + id + "].",
                0x0200);
          }
          if (type != 0 && type != 1) {
            return OpenNebulaFixtures.error("[one.host.update] Wrong update type", 0x1000);
          }
          Map<String, String> parsed = new LinkedHashMap<>();
          String[] lines = template.split("\n", -1);
          for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
              continue;
            }
            Matcher m = ATTRIBUTE.matcher(lines[i]);
            if (!m.matches()) {
              return OpenNebulaFixtures.error(
                  "[one.host.update] Cannot update template. Parse error: syntax"
                      + " error, at line "
                      + (i + 1)
                      + ".",
                  0x2000);
            }
            String value =
                m.group(2) != null
                    ? m.group(2).replace("\\\"", "\"").replace("\\\\", "\\")
                    : m.group(3);
            parsed.put(m.group(1).toUpperCase(Locale.ROOT), value);
          }
          updates.add(id + ":" + type + ":" + template);
          Map<String, String> current = templates.get(id);
          if (type == 0) {
            current.clear();
          }
          parsed.forEach(
              (k, v) -> {
                current.remove(k); // Template::merge: the new attribute replaces every namesake
                current.put(k, v);
              });
          return success(id);
        }
    }
  }

  synchronized String poolXml() {
    StringBuilder xml = new StringBuilder("<HOST_POOL>");
    for (int id : fixtures.keySet()) {
      xml.append(hostXml(id));
    }
    return xml.append("</HOST_POOL>").toString();
  }

  synchronized String hostXml(int id) {
    StringBuilder host = new StringBuilder();
    OpenNebulaFixtures.appendHost(fixtures.get(id), host);
    int start = host.indexOf("<TEMPLATE>");
    int end = host.indexOf("</TEMPLATE>") + "</TEMPLATE>".length();
    StringBuilder template = new StringBuilder("<TEMPLATE>");
    templates
        .get(id)
        .forEach(
            (k, v) ->
                template
                    .append('<')
                    .append(k)
                    .append("><![CDATA[")
                    .append(v)
                    .append("]]></")
                    .append(k)
                    .append('>'));
    template.append("</TEMPLATE>");
    host.replace(start, end, template.toString());
    return host.toString();
  }

  /** What oned answers to a successful update: {@code [true, id, 0]}. */
  private static String success(int id) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<methodResponse>\r\n<params>\r\n"
        + "<param><value><array><data>\r\n<value><boolean>1</boolean></value>\r\n"
        + "<value><i4>"
        + id
        + "</i4></value>\r\n"
        + "<value><i4>0</i4></value>\r\n</data></array></value></param>\r\n</params>\r\n"
        + "</methodResponse>\r\n";
  }

  private static List<String> params(String request) {
    List<String> out = new ArrayList<>();
    Matcher m = PARAM.matcher(request);
    while (m.find()) {
      String text = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : "";
      out.add(
          text.replace("&lt;", "<")
              .replace("&gt;", ">")
              .replace("&quot;", "\"")
              .replace("&apos;", "'")
              .replace("&amp;", "&"));
    }
    return out;
  }
}
