package io.onescaphandre.operator.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;

/** A key of a Secret in the monitor's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
  public static final String DEFAULT_KEY = "one_auth";

  @JsonPropertyDescription("Name of the Secret, in the monitor's namespace.")
  @Required
  private String name;

  @JsonPropertyDescription("Key in the Secret (default one_auth; ca.crt style keys for CAs).")
  @Default(DEFAULT_KEY)
  private String key = DEFAULT_KEY;

  public SecretKeyRef() {}

  public SecretKeyRef(String name, String key) {
    this.name = name;
    setKey(key);
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key == null ? DEFAULT_KEY : key;
  }
}
