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

import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * The JSON-RPC clients of the application: the one everything uses ({@code chain.rpc-timeout} per call), and the
 * {@link ChainWatch}'s own, whose short timeout ({@code chain.unanswered-after}) lets it notice a hung node and its
 * recovery within seconds whatever the other calls are waiting for.
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
    @ApplicationScoped
    Web3j web3j(ChainConfig config) {
        return client(config.rpcUrl(), config.rpcTimeout());
    }

    @Produces
    @ApplicationScoped
    @Watch
    Web3j watch(ChainConfig config) {
        return client(config.rpcUrl(), config.unansweredAfter());
    }

    private static Web3j client(String rpcUrl, Duration timeout) {
        var http = HttpService.getOkHttpClientBuilder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .build();
        return Web3j.build(new HttpService(rpcUrl, http));
    }

    void close(@Disposes Web3j web3j) {
        web3j.shutdown();
    }

    void closeWatch(@Disposes @Watch Web3j web3j) {
        web3j.shutdown();
    }
}
