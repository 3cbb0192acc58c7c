package dev.bountymarket.testing;

import java.time.Instant;

import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

import dev.bountymarket.bounty.Bounty;
import dev.bountymarket.bounty.BountyStatus;
import dev.bountymarket.submission.Submission;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Rows as the drafting endpoints leave them, for tests of what happens once the chain speaks. */
public final class Drafts {

    private Drafts() {
    }

    public static long bounty(String market, Credentials sponsor, byte[] testSetCommitment, String title) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Bounty bounty = new Bounty();
            bounty.chainId = 31337;
            bounty.contract = market;
            bounty.sponsor = sponsor.getAddress();
            bounty.title = title;
            bounty.description = "A test bounty";
            bounty.task = "binary_classification";
            bounty.metric = "roc_auc";
            bounty.specHash = Numeric.toHexString(Hash.sha3("spec".getBytes()));
            bounty.testSetCommitment = Numeric.toHexString(testSetCommitment);
            bounty.testSetKey = "00000000-0000-0000-0000-000000000000";
            bounty.status = BountyStatus.DRAFT;
            bounty.createdAt = Instant.now();
            bounty.updatedAt = Instant.now();
            bounty.persist();
            return bounty.id;
        });
    }

    /** A drafted bounty with its hidden test set's hash and salt, so that the keeper can reveal it. */
    public static long bountyWithTestSet(String market, Credentials sponsor, String evaluator, byte[] testSetSha256,
            byte[] salt, String title) {
        byte[] both = new byte[64];
        System.arraycopy(testSetSha256, 0, both, 0, 32);
        System.arraycopy(salt, 0, both, 32, 32);
        long id = bounty(market, sponsor, Hash.sha3(both), title);
        QuarkusTransaction.requiringNew().run(() -> {
            Bounty bounty = Bounty.findById(id);
            bounty.testSetSha256 = Numeric.toHexStringNoPrefix(testSetSha256);
            bounty.testSetSalt = Numeric.toHexStringNoPrefix(salt);
        });
        return id;
    }

    public static long submission(long bountyId, Credentials contributor, byte[] modelSha256) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Submission submission = new Submission();
            submission.bountyId = bountyId;
            submission.contributor = contributor.getAddress();
            submission.modelKey = Numeric.toHexStringNoPrefix(modelSha256);
            submission.modelSha256 = Numeric.toHexStringNoPrefix(modelSha256);
            submission.modelSize = 1L;
            submission.commitment = Numeric.toHexString(ChainDriver.commitment(modelSha256, contributor.getAddress()));
            submission.createdAt = Instant.now();
            submission.persist();
            return submission.id;
        });
    }

    /**
     * Funds a draft through the API and the sponsor's wallet: 1000 wei, submissions open for an hour, an evaluation
     * deadline an hour later, dev account #3 as arbiter. The indexer still has to catch up.
     */
    public static void fund(long draftId, String rpcUrl, Credentials sponsor, String sponsorToken) {
        try (ChainDriver chain = new ChainDriver(rpcUrl)) {
            long now = chain.latestTimestamp();
            io.restassured.path.json.JsonPath tx = io.restassured.RestAssured.given().auth().oauth2(sponsorToken)
                    .contentType(io.restassured.http.ContentType.JSON).body(java.util.Map.of(
                            "amount", "1000", "submissionDeadline", now + 3600, "evaluationDeadline", now + 7200,
                            "arbiter", dev.bountymarket.local.DevAccounts.account(3).getAddress(), "challengeBond", "1"))
                    .post("/api/bounties/" + draftId + "/transactions/create").then().statusCode(200).extract().jsonPath();
            Wallet.send(chain.web3j, sponsor, tx);
        }
    }
}
