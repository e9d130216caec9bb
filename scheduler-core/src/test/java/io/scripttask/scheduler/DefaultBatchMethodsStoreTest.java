package io.scripttask.scheduler;

import io.scripttask.scheduler.spi.SchedulerStore;
import io.scripttask.scheduler.testkit.SchedulerStoreContract;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Runs the {@link SchedulerStoreContract} against the {@link SchedulerStore} interface's own
 * implementations of its batch methods ({@code fireAll}, {@code claimAll}, {@code transitionAll},
 * {@code nextSequences}): the loops over the single-item methods that every store gets unless it
 * overrides them. The single-item methods are {@link InMemorySchedulerStore}'s.
 */
class DefaultBatchMethodsStoreTest extends SchedulerStoreContract {

  @Override
  protected SchedulerStore newStore() {
    InMemorySchedulerStore target = new InMemorySchedulerStore();
    return (SchedulerStore)
        Proxy.newProxyInstance(
            SchedulerStore.class.getClassLoader(),
            new Class<?>[] {SchedulerStore.class},
            (proxy, method, args) -> {
              if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
              }
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  default -> "default batch methods over " + target;
                };
              }
              try {
                return method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
