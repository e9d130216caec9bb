package io.scripttask.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyTableTest {

  private record Item(String key, int value) {}

  @Test
  void randomPutsReplacementsAndRemovalsAgreeWithAHashMap() {
    for (long seed = 1; seed <= 20; seed++) {
      Random random = new Random(seed);
      KeyTable<String, Item> table = new KeyTable<>(Item::key, true);
      Map<String, Item> reference = new HashMap<>();
      Map<String, Object> attached = new HashMap<>();
      // few distinct keys, many operations: long probe runs, growth and backward shifts
      int keys = 50 + random.nextInt(3000);
      for (int op = 0; op < 20_000; op++) {
        String key = "job-" + random.nextInt(keys);
        int what = random.nextInt(10);
        if (what < 4) {
          Item item = new Item(key, op);
          if (table.containsKey(key)) {
            assertThat(table.put(item)).isEqualTo(reference.put(key, item));
          } else {
            Object attachment = "lane of " + key + " at " + op;
            table.insert(item, attachment);
            reference.put(key, item);
            attached.put(key, attachment);
          }
        } else if (what < 6) {
          assertThat(table.remove(key)).isEqualTo(reference.remove(key));
          attached.remove(key);
        } else if (what < 7) {
          int slot = table.slotOf(key);
          if (slot >= 0) {
            Item item = new Item(key, -op);
            table.replaceAt(slot, item);
            reference.put(key, item);
          }
        } else {
          assertThat(table.get(key)).isEqualTo(reference.get(key));
          int slot = table.slotOf(key);
          assertThat(slot >= 0).isEqualTo(reference.containsKey(key));
          if (slot >= 0) {
            assertThat(table.elementAt(slot)).isEqualTo(reference.get(key));
            assertThat(table.attachmentAt(slot)).isEqualTo(attached.get(key));
          }
        }
        assertThat(table.size()).isEqualTo(reference.size());
      }
      for (Map.Entry<String, Item> e : reference.entrySet()) {
        assertThat(table.get(e.getKey())).isEqualTo(e.getValue());
        assertThat(table.attachmentAt(table.slotOf(e.getKey())))
            .isEqualTo(attached.get(e.getKey()));
      }
    }
  }

  @Test
  void keysWithEqualHashesAreTellApartByEquality() {
    // "Aa" and "BB" have the same String hash: they share a home slot and every probe run
    List<String> colliding = new ArrayList<>(List.of("Aa", "BB"));
    for (int i = 0; i < 5; i++) {
      List<String> next = new ArrayList<>();
      for (String c : colliding) {
        next.add(c + "Aa");
        next.add(c + "BB");
      }
      colliding = next;
    }
    KeyTable<String, Item> table = new KeyTable<>(Item::key);
    for (int i = 0; i < colliding.size(); i++) {
      table.put(new Item(colliding.get(i), i));
    }
    assertThat(table.size()).isEqualTo(colliding.size());
    for (int i = 0; i < colliding.size(); i += 2) {
      assertThat(table.remove(colliding.get(i))).isEqualTo(new Item(colliding.get(i), i));
    }
    for (int i = 0; i < colliding.size(); i++) {
      assertThat(table.get(colliding.get(i)))
          .isEqualTo(i % 2 == 0 ? null : new Item(colliding.get(i), i));
    }
  }
}
