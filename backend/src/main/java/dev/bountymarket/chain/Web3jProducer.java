package dev.bountymarket.chain;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Qualifier;
import jakarta.inject.Singleton;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The JSON-RPC clients of the application: the one everything uses ({@code chain.rpc-timeout} per attempt), and the
 * {@link ChainWatch}'s own, whose short timeout ({@code chain.unanswered-after}) lets it notice a hung node and its
 * recovery within seconds whatever the other calls are waiting for. Both send every call through the same
 * {@link RpcProviders} (one or more URLs, failover and backoff), so what one client learns about a provider the
 * other acts on.
 */
@ApplicationScoped
public class Web3jProducer {

    /** The watch's client. */
    @Qualifier
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Watch {
    }

    @Produces
    @Singleton
    RpcProviders providers(ChainConfig config, MeterRegistry registry) {
        return new RpcProviders(RpcUrls.configured(config), config.rpcBackoff(), config.rpcMaxBackoff(), registry);
    }

    @Produces
    @ApplicationScoped
    Web3j web3j(RpcProviders providers, ChainConfig config) {
        return client(providers, config.rpcTimeout());
    }

    /**
     * Each provider gets an equal share of {@code chain.unanswered-after} (at least half a second), so that a read
     * that fails over from a hung provider still answers before the watch would call the chain silent.
     */
    @Produces
    @ApplicationScoped
    @Watch
    Web3j watch(RpcProviders providers, ChainConfig config) {
        Duration share = config.unansweredAfter().dividedBy(providers.urls().size());
        return client(providers, share.compareTo(Duration.ofMillis(500)) < 0 ? Duration.ofMillis(500) : share);
    }

    /** A client whose every call goes through the providers, each attempt bounded by {@code perAttempt}. */
    public static Web3j client(RpcProviders providers, Duration perAttempt) {
        var http = HttpService.getOkHttpClientBuilder()
                .addInterceptor(providers.interceptor(perAttempt))
                .connectTimeout(perAttempt)
                .readTimeout(perAttempt)
                .writeTimeout(perAttempt)
                // The whole call, every provider's attempt included (and one attempt's worth of slack for a loaded
                // machine): a provider that trickles its answer is cut off.
                .callTimeout(perAttempt.multipliedBy(providers.urls().size() + 1L))
                .build();
        // The URL given here is replaced by the interceptor on every attempt.
        return Web3j.build(new HttpService(providers.urls().get(0), http));
    }

    void close(@Disposes Web3j web3j) {
        web3j.shutdown();
    }

    void closeWatch(@Disposes @Watch Web3j web3j) {
        web3j.shutdown();
    }
}
