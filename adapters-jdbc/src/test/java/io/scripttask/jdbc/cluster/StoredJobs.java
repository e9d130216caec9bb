package io.scripttask.jdbc.cluster;

import io.scripttask.scheduler.Job;
import io.scripttask.scheduler.JobQuery;
import io.scripttask.scheduler.Page;
import io.scripttask.scheduler.PageResult;
import io.scripttask.scheduler.spi.SchedulerStore;
import java.util.ArrayList;
import java.util.List;

/** Reads jobs back from a store, every page of them. */
final class StoredJobs {

  private StoredJobs() {}

  /**
   * @param store the store
   * @param query which jobs
   * @return every matching job, in the store's order
   */
  static List<Job> all(SchedulerStore store, JobQuery query) {
    List<Job> jobs = new ArrayList<>();
    Page page = Page.first(Page.MAX_LIMIT);
    while (page != null) {
      PageResult<Job> r = store.jobs(query, page);
      jobs.addAll(r.items());
      page = r.nextPage();
    }
    return jobs;
  }

  /**
   * @param store the store
   * @return every job
   */
  static List<Job> all(SchedulerStore store) {
    return all(store, JobQuery.all());
  }
}
