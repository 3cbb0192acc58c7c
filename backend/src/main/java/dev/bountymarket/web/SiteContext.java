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
            Long chainId = null;
            String contract = null;
            String problem = null;
            try {
                chainId = registry.current().chainId;
                contract = registry.current().address;
            } catch (ContractRegistry.ContractUnavailable e) {
                problem = e.getMessage();
            }
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
