package io.onescaphandre.helm;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fields of a parsed Kubernetes object that its Fabric8 model does not know: Fabric8 keeps them in
 * {@code additionalProperties} instead of failing, so a misspelt template key ({@code
 * readinesProbe}) would otherwise go unnoticed until the API server drops or rejects it.
 */
final class UnknownFields {

  private UnknownFields() {}

  /**
   * Paths such as {@code spec.template.spec.containers[0].readinesProbe}; empty when every field is
   * known.
   */
  static List<String> of(Object object) {
    List<String> unknown = new ArrayList<>();
    walk(object, "", unknown, new IdentityHashMap<>());
    return unknown;
  }

  private static void walk(
      Object value, String path, List<String> unknown, Map<Object, Boolean> seen) {
    if (value == null
        || value instanceof GenericKubernetesResource
        || seen.put(value, Boolean.TRUE) != null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int index = 0;
      for (Object item : items) {
        walk(item, path + "[" + index++ + "]", unknown, seen);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((key, item) -> walk(item, path + "[" + key + "]", unknown, seen));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getName().equals("getClass")) {
        continue;
      }
      Object property = invoke(getter, value);
      if (getter.getName().equals("getAdditionalProperties")) {
        if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra
              .keySet()
              .forEach(key -> unknown.add(path.isEmpty() ? key.toString() : path + "." + key));
        }
        continue;
      }
      String name =
          Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
      walk(property, path.isEmpty() ? name : path + "." + name, unknown, seen);
    }
  }

  private static Object invoke(Method getter, Object target) {
    try {
      return getter.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException(
          "cannot read " + getter + " of " + target.getClass().getName(), e);
    }
  }
}
