package io.onescaphandre.demo;

import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns separated by two spaces; numeric columns right-aligned. */
final class TextTable {
  private final List<String> header;
  private final boolean[] rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = List.of(header);
    this.rightAligned = new boolean[header.length];
  }

  TextTable alignRight(int... columns) {
    for (int c : columns) {
      rightAligned[c] = true;
    }
    return this;
  }

  TextTable row(Object... cells) {
    List<String> row = new ArrayList<>();
    for (Object cell : cells) {
      row.add(cell == null ? "-" : cell.toString());
    }
    rows.add(row);
    return this;
  }

  String render(String indent) {
    int[] widths = new int[header.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = header.get(c).length();
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, indent, header, widths);
    rows.forEach(r -> line(sb, indent, r, widths));
    return sb.toString();
  }

  private void line(StringBuilder sb, String indent, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(rightAligned[c] ? pad + cell : cell + (c == cells.size() - 1 ? "" : pad));
      if (c < cells.size() - 1) {
        line.append("  ");
      }
    }
    sb.append(line.toString().stripTrailing()).append('\n');
  }
}
