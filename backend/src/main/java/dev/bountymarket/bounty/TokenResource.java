package dev.bountymarket.bounty;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.bountymarket.bounty.BountyException.Code;
import dev.bountymarket.chain.Addresses;
import dev.bountymarket.chain.Erc20Tokens;

/** The ERC-20 tokens a bounty can be paid in, as the chain describes them (for amounts in whole tokens). */
@Path("/api/tokens")
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    @Inject
    Erc20Tokens tokens;

    /** The token's symbol and decimals, read from its contract; 404 when the address holds no ERC-20 token. */
    @GET
    @Path("/{address}")
    public Erc20Tokens.Token get(@PathParam("address") String address) {
        String token = Addresses.parse(address).orElseThrow(() -> new BountyException(Code.INVALID_REQUEST,
                "'" + address + "' is not an address (0x and 40 hex digits)"));
        return tokens.describe(token).orElseThrow(() -> new BountyException(Code.TOKEN_NOT_FOUND,
                "There is no ERC-20 token at " + token + " on this chain"));
    }
}
