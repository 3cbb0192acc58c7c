package dev.bountymarket.notification;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which addresses a webhook may reach: the forms an attacker writes an internal address in, IPv4 inside IPv6 included,
 * are refused; public addresses pass.
 */
class WebhookAddressesTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "0.0.0.0",
            "100.64.0.1", "198.18.0.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fec0::1",
            "::127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::7f00:1", "64:ff9b:1::a00:1", "2002:7f00:1::", "2002:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2"})
    void internalAddressesAreRefused(String address) throws Exception {
        assertFalse(WebhookAddresses.isPublic(InetAddress.getByName(address)), address + " is internal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "2606:4700::6810:84e5", "2002:5db8:d70e::1", "::ffff:8.8.8.8"})
    void publicAddressesPass(String address) throws Exception {
        assertTrue(WebhookAddresses.isPublic(InetAddress.getByName(address)), address + " is public");
    }
}
