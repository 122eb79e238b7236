package io.gatewaydoctor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's indexed mock answers as the Fabric8 mock does: objects loaded into it and created
 * through it are found by name (and only in their own kind and namespace), updated, patched,
 * listed, watched and deleted; a deleted object is no longer found.
 */
class IndexedCrudDispatcherTest {
  IndexedCrudDispatcher crud;
  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void start() throws Exception {
    crud = new IndexedCrudDispatcher();
    server = crud.serveOnLoopback();
    client = server.createClient();
  }

  @AfterEach
  void stop() {
    client.close();
    server.destroy();
  }

  static ConfigMap cm(String ns, String name, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .endMetadata()
        .addToData("k", value)
        .build();
  }

  @Test
  void loadedAndCreatedObjectsAreFoundUpdatedListedWatchedAndDeleted() throws Exception {
    crud.putCreated(cm("a", "web", "loaded"));
    assertThat(client.configMaps().inNamespace("a").withName("web").get().getData())
        .containsEntry("k", "loaded");
    assertThat(client.configMaps().inNamespace("b").withName("web").get()).isNull();
    assertThat(client.services().inNamespace("a").withName("web").get())
        .as("another kind of the same name")
        .isNull();

    List<String> events = new CopyOnWriteArrayList<>();
    var watch =
        client
            .configMaps()
            .inAnyNamespace()
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, ConfigMap resource) {
                    events.add(action + " " + resource.getMetadata().getName());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    client.configMaps().inNamespace("b").resource(cm("b", "web", "created")).create();
    client
        .services()
        .inNamespace("a")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .endSpec()
                .build())
        .create();
    assertThat(client.configMaps().inNamespace("b").withName("web").get().getData())
        .containsEntry("k", "created");
    assertThat(client.services().inNamespace("a").withName("web").get()).isNotNull();

    client.configMaps().inNamespace("a").withName("web").edit(c -> cm("a", "web", "edited"));
    assertThat(client.configMaps().inNamespace("a").withName("web").get().getData())
        .containsEntry("k", "edited");
    assertThat(client.configMaps().inAnyNamespace().list().getItems())
        .extracting(c -> c.getData().get("k"))
        .containsExactlyInAnyOrder("edited", "created");

    client.configMaps().inNamespace("a").withName("web").delete();
    assertThat(client.configMaps().inNamespace("a").withName("web").get()).isNull();
    assertThat(client.configMaps().inNamespace("b").withName("web").get()).isNotNull();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (events.size() < 4 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    watch.close();
    assertThat(events).contains("ADDED web", "MODIFIED web", "DELETED web");
  }
}
