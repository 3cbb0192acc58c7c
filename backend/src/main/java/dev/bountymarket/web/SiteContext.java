package dev.bountymarket.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ContractRegistry;

/** Builds the {@link Site} of the current request. */
@RequestScoped
public class SiteContext {

    @Inject
    CurrentUser currentUser;

    @Inject
    ContractRegistry registry;

    @Inject
    ChainClock clock;

    @Inject
    ChainConfig chain;

    @Inject
    WebConfig config;

    @Inject
    DevWallet devWallet;

    private Site site;

    public Site get() {
        if (site == null) {
            // Nothing here asks the chain: a page must not wait for a slow node.
            var resolved = registry.resolved();
            Long chainId = resolved.map(c -> c.chainId).orElse(null);
            String contract = resolved.map(c -> c.address).orElse(null);
            String problem = resolved.isPresent() ? null
                    : registry.problem().orElse("the chain has not answered yet (CHAIN_RPC_URL)");
            site = new Site(currentUser.address().orElse(null), currentUser.session().map(s -> s.csrfToken).orElse(null),
                    chainId, contract, config.chainName(), config.publicRpcUrl().orElse(""),
                    clock.now().getEpochSecond(), chain.confirmations(), devWallet.available(),
                    config.explorerTxUrl().orElse(null), problem);
        }
        return site;
    }

    /** The signed-in address, or null. */
    public String viewer() {
        return get().viewer();
    }
}
