package dev.bountymarket.notification;

import java.io.StringWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.chain.ChainEvent;
import dev.bountymarket.web.SiteOrigin;
import io.vertx.core.http.HttpServerRequest;

/**
 * A bounty's Atom feed: its public history as the chain tells it (opened, topped up, models committed, results
 * posted, the test set revealed, challenges, payments, the end), newest first. Built from the indexed events, so it
 * says nothing the chain does not; a draft has none (404, as its page).
 */
@Path("/bounties/{id}/feed.atom")
public class BountyFeed {

    public static final String ATOM = "application/atom+xml";
    private static final String NS = "http://www.w3.org/2005/Atom";
    private static final int ENTRIES = 100;

    @Inject
    SiteOrigin siteOrigin;

    @Inject
    HttpServerRequest request;

    @GET
    @Produces(ATOM + ";charset=utf-8")
    @Transactional(Transactional.TxType.SUPPORTS)
    public String feed(@PathParam("id") long id) {
        Bounty bounty = Bounty.<Bounty>findByIdOptional(id).filter(b -> b.onchainId != null)
                .orElseThrow(() -> new NotFoundException("There is no bounty " + id + "."));
        String origin = siteOrigin.of(request).orElse("");
        String page = origin + "/bounties/" + bounty.id;
        List<ChainEvent> events = new ArrayList<>(ChainEvent.ofBounty(bounty.contract, bounty.onchainId));
        java.util.Collections.reverse(events);
        List<Entry> entries = new ArrayList<>();
        for (ChainEvent event : events) {
            if (entries.size() == ENTRIES) {
                break;
            }
            ChainNotices.of(bounty, event, java.util.Set::of).ifPresent(notice -> entries.add(new Entry(
                    "tag:bountymarket," + event.chainId + ":" + event.txHash + ":" + event.logIndex,
                    notice.title(), notice.body(), event.indexedAt, event.txHash)));
        }
        Instant updated = entries.isEmpty() ? bounty.createdAt : entries.get(0).at();
        try {
            StringWriter out = new StringWriter();
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            xml.writeStartDocument("utf-8", "1.0");
            xml.writeStartElement("feed");
            xml.writeDefaultNamespace(NS);
            text(xml, "id", "tag:bountymarket," + bounty.chainId + ":" + bounty.contract + ":bounty:" + bounty.onchainId);
            text(xml, "title", bounty.title);
            text(xml, "subtitle", "What happens to this bounty on the chain.");
            text(xml, "updated", atom(updated));
            link(xml, "alternate", page, "text/html");
            link(xml, "self", page + "/feed.atom", ATOM);
            xml.writeStartElement("author");
            text(xml, "name", bounty.sponsor);
            xml.writeEndElement();
            for (Entry entry : entries) {
                xml.writeStartElement("entry");
                text(xml, "id", entry.id());
                text(xml, "title", entry.title());
                text(xml, "updated", atom(entry.at()));
                link(xml, "alternate", page, "text/html");
                text(xml, "summary", entry.summary() + " Transaction " + entry.tx() + ".");
                xml.writeEndElement();
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
            return out.toString();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Entry(String id, String title, String summary, Instant at, String tx) {
    }

    private static String atom(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static void text(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeStartElement(name);
        // Titles are people's text: characters XML cannot carry at all (controls) are left out, the rest escaped.
        xml.writeCharacters(value.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]", ""));
        xml.writeEndElement();
    }

    private static void link(XMLStreamWriter xml, String rel, String href, String type) throws XMLStreamException {
        xml.writeEmptyElement("link");
        xml.writeAttribute("rel", rel);
        xml.writeAttribute("href", href);
        xml.writeAttribute("type", type);
    }
}
