package io.onescaphandre.operator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Writes an {@link EnergyReport} as a readable table, CSV (RFC 4180) or JSON. */
enum ReportFormat {
  table,
  csv,
  json;

  /** What the report is priced with. */
  record Pricing(double pricePerKwh, double pue, String currency) {
    double facilityKwh(double itKwh) {
      return itKwh * pue;
    }

    double cost(double itKwh) {
      return facilityKwh(itKwh) * pricePerKwh;
    }
  }

  /** Sections: vm, user, group. */
  enum Section {
    vm,
    user,
    group
  }

  String render(EnergyReport report, Pricing pricing, Set<Section> sections) {
    return switch (this) {
      case table -> table(report, pricing, sections);
      case csv -> csv(report, pricing, sections);
      case json -> json(report, pricing, sections);
    };
  }

  private static String kwh(double value) {
    return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static String money(double value) {
    return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static String table(EnergyReport report, Pricing pricing, Set<Section> sections) {
    StringBuilder out = new StringBuilder();
    ReportPeriod p = report.period();
    out.append(
        String.format(
            Locale.ROOT,
            "Energy from %s to %s (%s, %.1f h), PUE %s, %s %s per kWh%n",
            p.from(),
            p.to(),
            p.zone(),
            p.length().toSeconds() / 3600.0,
            BigDecimal.valueOf(pricing.pue()).toPlainString(),
            BigDecimal.valueOf(pricing.pricePerKwh()).toPlainString(),
            pricing.currency()));
    if (sections.contains(Section.vm)) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"VM", "NAME", "USER", "GROUP", "IT_KWH", "FACILITY_KWH", "COST"});
      for (EnergyReport.VmEnergy vm : report.vms()) {
        rows.add(
            new String[] {
              vm.vmId(),
              vm.name(),
              vm.user(),
              vm.group(),
              kwh(vm.itKwh()),
              kwh(pricing.facilityKwh(vm.itKwh())),
              money(pricing.cost(vm.itKwh()))
            });
      }
      out.append('\n');
      columns(rows, out);
    }
    if (sections.contains(Section.user)) {
      out.append('\n');
      totals("USER", report.byUser(), pricing, out);
    }
    if (sections.contains(Section.group)) {
      out.append('\n');
      totals("GROUP", report.byGroup(), pricing, out);
    }
    out.append('\n');
    totals("TOTAL", List.of(report.total()), pricing, out);
    return out.toString();
  }

  private static void totals(
      String title, List<EnergyReport.Total> totals, Pricing pricing, StringBuilder out) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {title, "VMS", "IT_KWH", "FACILITY_KWH", "COST"});
    for (EnergyReport.Total t : totals) {
      rows.add(
          new String[] {
            title.equals("TOTAL") ? "all" : t.key(),
            Integer.toString(t.vms()),
            kwh(t.itKwh()),
            kwh(pricing.facilityKwh(t.itKwh())),
            money(pricing.cost(t.itKwh()))
          });
    }
    columns(rows, out);
  }

  private static void columns(List<String[]> rows, StringBuilder out) {
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format("%-" + width[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static String csv(EnergyReport report, Pricing pricing, Set<Section> sections) {
    StringBuilder out =
        new StringBuilder(
            "scope,id,name,user,group,vms,it_kwh,facility_kwh,cost,currency,from,to\n");
    String tail =
        ","
            + field(pricing.currency())
            + ","
            + report.period().from()
            + ","
            + report.period().to()
            + "\n";
    if (sections.contains(Section.vm)) {
      for (EnergyReport.VmEnergy vm : report.vms()) {
        out.append("vm,")
            .append(field(vm.vmId()))
            .append(',')
            .append(field(vm.name()))
            .append(',')
            .append(field(vm.user()))
            .append(',')
            .append(field(vm.group()))
            .append(",1,")
            .append(kwh(vm.itKwh()))
            .append(',')
            .append(kwh(pricing.facilityKwh(vm.itKwh())))
            .append(',')
            .append(money(pricing.cost(vm.itKwh())))
            .append(tail);
      }
    }
    if (sections.contains(Section.user)) {
      for (EnergyReport.Total t : report.byUser()) {
        totalLine(out, "user", t.key(), t.key(), "", t, pricing, tail);
      }
    }
    if (sections.contains(Section.group)) {
      for (EnergyReport.Total t : report.byGroup()) {
        totalLine(out, "group", t.key(), "", t.key(), t, pricing, tail);
      }
    }
    totalLine(out, "total", "", "", "", report.total(), pricing, tail);
    return out.toString();
  }

  private static void totalLine(
      StringBuilder out,
      String scope,
      String id,
      String user,
      String group,
      EnergyReport.Total t,
      Pricing pricing,
      String tail) {
    out.append(scope)
        .append(',')
        .append(field(id))
        .append(",,")
        .append(field(user))
        .append(',')
        .append(field(group))
        .append(',')
        .append(t.vms())
        .append(',')
        .append(kwh(t.itKwh()))
        .append(',')
        .append(kwh(pricing.facilityKwh(t.itKwh())))
        .append(',')
        .append(money(pricing.cost(t.itKwh())))
        .append(tail);
  }

  /**
   * RFC 4180: quoted when it holds a comma, a quote or a line break; a leading = + - @ is quoted
   * too.
   */
  static String field(String value) {
    boolean formula = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0;
    if (value.contains(",")
        || value.contains("\"")
        || value.contains("\n")
        || value.contains("\r")
        || formula) {
      return "\"" + (formula ? "'" : "") + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  private static String json(EnergyReport report, Pricing pricing, Set<Section> sections) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("from", report.period().from().toString());
    root.put("to", report.period().to().toString());
    root.put("zone", report.period().zone().getId());
    root.put("pue", pricing.pue());
    root.put("pricePerKwh", pricing.pricePerKwh());
    root.put("currency", pricing.currency());
    if (sections.contains(Section.vm)) {
      List<Map<String, Object>> vms = new ArrayList<>();
      for (EnergyReport.VmEnergy vm : report.vms()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", vm.vmId());
        row.put("name", vm.name());
        row.put("user", vm.user());
        row.put("group", vm.group());
        amounts(row, vm.itKwh(), pricing);
        vms.add(row);
      }
      root.put("vms", vms);
    }
    if (sections.contains(Section.user)) {
      root.put("users", totalsJson("user", report.byUser(), pricing));
    }
    if (sections.contains(Section.group)) {
      root.put("groups", totalsJson("group", report.byGroup(), pricing));
    }
    Map<String, Object> total = new LinkedHashMap<>();
    total.put("vms", report.total().vms());
    amounts(total, report.total().itKwh(), pricing);
    root.put("total", total);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root)
          + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, Object>> totalsJson(
      String key, List<EnergyReport.Total> totals, Pricing pricing) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (EnergyReport.Total t : totals) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put(key, t.key());
      row.put("vms", t.vms());
      amounts(row, t.itKwh(), pricing);
      out.add(row);
    }
    return out;
  }

  private static void amounts(Map<String, Object> row, double itKwh, Pricing pricing) {
    row.put("itKwh", new BigDecimal(kwh(itKwh)));
    row.put("facilityKwh", new BigDecimal(kwh(pricing.facilityKwh(itKwh))));
    row.put("cost", new BigDecimal(money(pricing.cost(itKwh))));
  }
}
