package io.scripttask.scheduler;

import java.util.Objects;

/**
 * A request for one page of a listing, by keyset: the page starts after the item that the opaque
 * {@code after} cursor names (from {@link PageResult#next()}), so pages neither repeat nor skip
 * items when items are added or removed between requests, and a database answers each page with an
 * index range scan.
 *
 * @param limit the most items on the page, 1-{@link #MAX_LIMIT}
 * @param after the cursor of the previous page's last item, or {@code null} for the first page
 */
public record Page(int limit, String after) {

  /** The largest page. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * Validates the page.
   *
   * @throws ValidationException if {@code limit} is not 1-{@link #MAX_LIMIT} or {@code after} is
   *     blank
   */
  public Page {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit", "be 1-" + MAX_LIMIT, limit);
    }
    if (after != null && after.isBlank()) {
      throw new ValidationException("after", "not be blank", "\"" + after + "\"");
    }
  }

  /**
   * @param limit the most items
   * @return the first page
   * @throws ValidationException if {@code limit} is not 1-{@link #MAX_LIMIT}
   */
  public static Page first(int limit) {
    return new Page(limit, null);
  }

  /**
   * @param cursor a cursor from a previous {@link PageResult}
   * @param limit the most items
   * @return the page after the cursor
   * @throws NullPointerException if {@code cursor} is null
   * @throws ValidationException if {@code limit} is not 1-{@link #MAX_LIMIT}
   */
  public static Page after(String cursor, int limit) {
    return new Page(limit, Objects.requireNonNull(cursor, "cursor"));
  }
}
