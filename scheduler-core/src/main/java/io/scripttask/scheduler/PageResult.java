package io.scripttask.scheduler;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param <T> the item type
 * @param items the items, an unmodifiable list
 * @param nextPage the request for the following page (same limit), or {@code null} if this page is
 *     the last
 */
public record PageResult<T>(List<T> items, Page nextPage) {

  /**
   * Copies the items.
   *
   * @throws NullPointerException if {@code items} or an item is null
   */
  public PageResult {
    items = List.copyOf(Objects.requireNonNull(items, "items"));
  }

  /**
   * @return the following page, or empty if this page is the last
   */
  public Optional<Page> next() {
    return Optional.ofNullable(nextPage);
  }

  /**
   * @return whether a following page exists
   */
  public boolean hasNext() {
    return nextPage != null;
  }
}
