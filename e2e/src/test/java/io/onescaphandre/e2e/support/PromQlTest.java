package io.onescaphandre.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PromQlTest {
  @Test
  void parsesAVectorResult() throws Exception {
    var data =
        new ObjectMapper()
            .readTree(
                """
        {"resultType":"vector","result":[
          {"metric":{"__name__":"up","host_id":"12"},"value":[1700000000.1,"1"]},
          {"metric":{"host_id":"13"},"value":[1700000000.1,"0.25"]}]}
        """);
    var samples = PromQl.parseVector(data);
    assertThat(samples).hasSize(2);
    assertThat(samples.get(0).label("host_id")).isEqualTo("12");
    assertThat(samples.get(1).value()).isEqualTo(0.25);
  }

  @Test
  void refusesOtherResultTypes() throws Exception {
    var data = new ObjectMapper().readTree("{\"resultType\":\"matrix\",\"result\":[]}");
    assertThatThrownBy(() -> PromQl.parseVector(data)).hasMessageContaining("matrix");
  }
}
