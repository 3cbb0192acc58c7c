package dev.bountymarket.chain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/** The one JSON-RPC client of the application. */
@ApplicationScoped
public class Web3jProducer {

    @Produces
    @ApplicationScoped
    Web3j web3j(ChainConfig config) {
        var http = HttpService.getOkHttpClientBuilder()
                .connectTimeout(config.rpcTimeout())
                .readTimeout(config.rpcTimeout())
                .writeTimeout(config.rpcTimeout())
                .build();
        return Web3j.build(new HttpService(config.rpcUrl(), http));
    }

    void close(@Disposes Web3j web3j) {
        web3j.shutdown();
    }
}
