package dev.bountymarket.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.chain.ChainConfig;
import dev.bountymarket.chain.ContractDeployment;
import dev.bountymarket.chain.ContractRegistry;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The landing page. */
@Path("/")
public class HomeResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(ContractDeployment contract, String chainProblem);
    }

    @Inject
    ContractRegistry registry;

    @Inject
    ChainConfig config;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance index() {
        try {
            return Templates.index(registry.current(), null);
        } catch (ContractRegistry.ContractUnavailable e) {
            return Templates.index(null, e.getMessage());
        }
    }
}
