package dev.bountymarket.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

import dev.bountymarket.auth.CurrentUser;
import dev.bountymarket.chain.ChainClock;
import dev.bountymarket.chain.ContractRegistry;
import dev.bountymarket.chain.Network;
import dev.bountymarket.chain.Networks;

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
    Networks networks;

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
            // Before the chain answers there is no profile to go by: a plain one, so that pages still render.
            Network network = chainId == null ? Networks.unknownChain() : networks.profileFor(chainId);
            site = new Site(currentUser.address().orElse(null), currentUser.session().map(s -> s.csrfToken).orElse(null),
                    chainId, contract, config.chainName().orElse(network.name()),
                    config.publicRpcUrl().or(() -> network.rpcUrls().stream().findFirst()).orElse(""),
                    clock.now().getEpochSecond(), chainId == null ? 0 : networks.confirmations(chainId),
                    devWallet.available(), config.explorerUrl().or(network::explorerUrl).orElse(null),
                    network.nativeCurrency(), problem);
        }
        return site;
    }

    /** The signed-in address, or null. */
    public String viewer() {
        return get().viewer();
    }
}
