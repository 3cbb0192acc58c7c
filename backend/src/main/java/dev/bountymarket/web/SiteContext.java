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
            // Nothing here asks the chain: a page must not wait for a slow node.
            var resolved = registry.resolved();
            Long chainId = resolved.map(c -> c.chainId).orElse(null);
            String contract = resolved.map(c -> c.address).orElse(null);
            String problem = resolved.isPresent() ? null
                    : registry.problem().orElse("the chain has not answered yet (CHAIN_RPC_URL)");
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
