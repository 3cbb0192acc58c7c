package dev.bountymarket.chain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.web3j.crypto.Credentials;

import dev.bountymarket.local.DevAccounts;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;

/** Tells whoever started the server where it is, which chain and contract it uses, and (local chain) which accounts to use. */
@ApplicationScoped
public class StartupBanner {

    private static final int DEV_ACCOUNTS = 5;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @Inject
    dev.bountymarket.keeper.KeeperSender keeper;

    @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
    int httpPort;

    void print(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.LIBRARY_AFTER) StartupEvent event) {
        StringBuilder banner = new StringBuilder("\n\n  Bounty market: http://localhost:").append(httpPort).append('\n');
        try {
            ContractDeployment contract = registry.current();
            banner.append("  Chain ").append(contract.chainId).append(" at ")
                    .append(String.join(", ", RpcUrls.configured(config).stream().map(RpcUrls::host).toList()))
                    .append(", BountyMarket at ").append(contract.address).append('\n');
        } catch (RuntimeException e) {
            banner.append("  Chain NOT READY: ").append(e.getMessage()).append('\n');
        }
        keeper.account().ifPresentOrElse(
                account -> banner.append("  Keeper (the platform's evaluator): ").append(account.getAddress()).append('\n'),
                () -> banner.append("  No keeper: set KEEPER_PRIVATE_KEY so that results are posted and bounties paid\n"));
        if (config.devAccounts()) {
            banner.append("  Dev accounts, funded on this local chain only (import a key into your wallet):\n");
            for (int i = 0; i < DEV_ACCOUNTS; i++) {
                Credentials account = DevAccounts.account(i);
                banner.append(String.format("    #%d %s  key 0x%064x%n", i, account.getAddress(),
                        account.getEcKeyPair().getPrivateKey()));
            }
        }
        Log.info(banner);
    }
}
