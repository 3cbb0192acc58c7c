package dev.bountymarket.notification;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Where a webhook may point. A webhook URL comes from a stranger and the server calls it: pointed at the server's
 * own network it would reach the database, a cloud metadata service or an admin port (server-side request forgery).
 * So an address that is loopback, private, link-local, unique-local, shared (CGNAT), multicast or unspecified is
 * refused, unless the operator lists it in {@code notifications.allowed-private-addresses}. The name is resolved again
 * at each delivery and the connection made to the very address checked, so a name that later resolves elsewhere (DNS
 * rebinding) gains nothing.
 */
@ApplicationScoped
public class WebhookAddresses {

    /** A URL people cannot use as a webhook; the message says why. */
    public static class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** A checked target: the URL, and the address to connect to. */
    public record Target(URI url, InetAddress address, int port) {
    }

    @Inject
    NotificationConfig config;

    /** The URL's form alone: http or https, a host, no user info, at most 2,000 characters. */
    public static URI parse(String text) throws Refused {
        if (text == null || text.isBlank()) {
            throw new Refused("url is required: the address (http:// or https://) to POST notifications to.");
        }
        if (text.length() > 2000) {
            throw new Refused("url is longer than 2,000 characters.");
        }
        URI url;
        try {
            url = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new Refused("url is not a valid URL: " + e.getReason() + ".");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused("url must start with https:// (or http://).");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new Refused("url has no host name.");
        }
        if (url.getRawUserInfo() != null) {
            throw new Refused("url must not carry a user name or password.");
        }
        return url;
    }

    /** Resolves the URL's host and picks an address it may reach. */
    public Target check(String text) throws Refused {
        URI url = parse(text);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(url.getHost());
        } catch (UnknownHostException e) {
            throw new Refused("The host " + url.getHost() + " of the url cannot be found (DNS).");
        }
        Set<String> allowed = Set.copyOf(config.allowedPrivateAddresses().orElse(List.of()));
        // Every address must be public: a name that also resolves to a private one could be made to pick it.
        for (InetAddress address : addresses) {
            if (!isPublic(address) && !allowed.contains(address.getHostAddress())) {
                throw new Refused("The url's host " + url.getHost() + " is " + address.getHostAddress()
                        + ", an address in a private, loopback or otherwise internal network; webhooks may only "
                        + "reach public addresses.");
            }
        }
        int port = url.getPort() != -1 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return new Target(url, addresses[0], port);
    }

    /** Whether an address belongs to the public internet. */
    static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first != 0                                      // "this network"
                    && !(first == 100 && second >= 64 && second < 128) // shared address space (CGNAT)
                    && !(first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    && !(first == 198 && (second == 18 || second == 19))   // benchmarking
                    && first < 240;                                 // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // unique local fc00::/7
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return false; // deprecated site-local fec0::/10
            }
            if (b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b && b[4] == 0 && b[5] == 1) {
                return false; // local-use NAT64 64:ff9b:1::/48, translated to whatever the operator chose
            }
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
                return false; // Teredo 2001::/32: the IPv4 address inside is obfuscated, and the tunnel is obsolete
            }
            // IPv4 in IPv6 (::a.b.c.d, 64:ff9b::/96 NAT64, 6to4 2002:a.b.c.d::/48): judge the IPv4 address inside.
            boolean compatible = Arrays.equals(Arrays.copyOf(b, 12), new byte[12]);
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8]);
            if (compatible || nat64) {
                return isPublicIpv4(Arrays.copyOfRange(b, 12, 16));
            }
            if (b[0] == 0x20 && b[1] == 0x02) {
                return isPublicIpv4(Arrays.copyOfRange(b, 2, 6));
            }
        }
        return true;
    }

    private static boolean isPublicIpv4(byte[] address) {
        try {
            return isPublic(InetAddress.getByAddress(address));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
