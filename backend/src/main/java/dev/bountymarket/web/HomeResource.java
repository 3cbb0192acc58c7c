package dev.bountymarket.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;

import dev.bountymarket.bounty.BountyException;
import dev.bountymarket.bounty.BountyService;
import dev.bountymarket.bounty.BountyView;
import dev.bountymarket.chain.Amounts;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The browse page: bounties with search, filters, sorting and paging. The results refresh in place with htmx. */
@Path("/")
public class HomeResource {

    static final int PAGE_SIZE = 12;
    static final List<String> TASKS = List.of("binary_classification", "multiclass_classification", "regression");
    static final List<String> STATUSES = List.of("open", "closed", "proposed", "disputed", "resolved", "finalized",
            "cancelled", "expired");

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(Site site, Browse browse, Page<BountyView> results, List<Choice> tokens,
                List<String> tasks, List<String> statuses);

        static native TemplateInstance index$results(Site site, Browse browse, Page<BountyView> results);
    }

    /** What the visitor asked for; links to other pages of the same results keep it. */
    public record Browse(String status, String task, String token, String q, String sort) {

        public boolean filtered() {
            return !blank(status) || !blank(task) || !blank(token) || !blank(q);
        }

        /** The query string of page {@code page} of these results. */
        public String query(int page) {
            Map<String, String> params = new LinkedHashMap<>();
            params.put("q", q);
            params.put("status", status);
            params.put("task", task);
            params.put("token", token);
            params.put("sort", "newest".equals(sort) ? null : sort);
            params.put("page", page == 0 ? null : Integer.toString(page));
            String query = params.entrySet().stream().filter(e -> !blank(e.getValue()))
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
            return query.isEmpty() ? "/" : "/?" + query;
        }

        private static boolean blank(String value) {
            return value == null || value.isBlank();
        }
    }

    /** An option of a filter. */
    public record Choice(String value, String label) {
        public boolean selected(String current) {
            return value.equalsIgnoreCase(current == null ? "" : current);
        }
    }

    @Inject
    BountyService bounties;

    @Inject
    SiteContext site;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public RestResponse<TemplateInstance> index(@QueryParam("status") String status, @QueryParam("task") String task,
            @QueryParam("token") String token, @QueryParam("q") String q,
            @QueryParam("sort") @DefaultValue("newest") String sort, @QueryParam("page") @DefaultValue("0") int page,
            @HeaderParam("HX-Target") String htmxTarget) {
        Browse browse = new Browse(status, task, token, q == null ? null : q.strip(), sort);
        Page<BountyView> results;
        try {
            results = bounties.list(new BountyService.Query(status, task, token, browse.q(), sort, Math.max(0, page),
                    PAGE_SIZE));
        } catch (BountyException e) {
            throw new PageException(Status.BAD_REQUEST, "Cannot search like that", e.getMessage());
        }
        if ("results".equals(htmxTarget)) {
            // The address bar shows the clean query of what is displayed, so it can be shared and reloaded.
            return RestResponse.ResponseBuilder.ok(Templates.index$results(site.get(), browse, results))
                    .header("HX-Push-Url", browse.query(results.page())).build();
        }
        return RestResponse.ok(Templates.index(site.get(), browse, results, tokens(), TASKS, STATUSES));
    }

    /** The tokens bounties are paid in, for the token filter. */
    private List<Choice> tokens() {
        return bounties.tokens().stream()
                .map(token -> TemplateExtensions.ETH.equalsIgnoreCase(token) ? new Choice("ETH", "ETH")
                        : new Choice(token, Amounts.tokenName(token)))
                .toList();
    }
}
