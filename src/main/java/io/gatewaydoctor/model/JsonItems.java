package io.gatewaydoctor.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the items of a kubectl JSON List are in its text, so that a large dump's items can be read
 * on every core (#23). One pass of Jackson's tokenizer over the whole text (no tree is built):
 * whatever Jackson rejects is rejected here, and the item offsets are its own. Anything other than
 * one JSON object whose {@code kind} ends with "List" and whose {@code items} is an array of
 * objects gives null, and so does a key given twice: such text is read the usual way, which also
 * words its errors.
 */
final class JsonItems {
  private JsonItems() {}

  /** The [start, end) character ranges of the items, in order; null when not such a List. */
  static List<int[]> of(String text) {
    try (JsonParser p = Serialization.jsonMapper().getFactory().createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      List<int[]> items = null;
      String kind = null;
      java.util.Set<String> keys = new java.util.HashSet<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        if (!keys.add(key)) {
          return null; // a key twice: which one counts is the usual reading's business
        }
        JsonToken value = p.nextToken();
        if ("items".equals(key)) {
          if (value != JsonToken.START_ARRAY) {
            return null;
          }
          items = new ArrayList<>();
          JsonToken t;
          while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
              return null; // an item that is not an object (null, a string, a number, ...)
            }
            long start = p.currentTokenLocation().getCharOffset();
            p.skipChildren();
            long end = p.currentLocation().getCharOffset();
            if (start < 0 || end <= start || end > text.length()) {
              return null;
            }
            items.add(new int[] {(int) start, (int) end});
          }
        } else if ("kind".equals(key)) {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          kind = p.getText();
        } else {
          p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return null; // more than one document
      }
      return kind != null && kind.endsWith("List") && items != null ? items : null;
    } catch (IOException | RuntimeException e) {
      return null; // not valid JSON: the usual reading says where
    }
  }
}
