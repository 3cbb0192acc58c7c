package dev.bountymarket.local;

import java.util.ArrayList;
import java.util.List;

import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.MnemonicUtils;

/** The accounts anvil funds at start: derived from its mnemonic on the standard Ethereum path m/44'/60'/0'/0/i. */
public final class DevAccounts {

    /** The account the run command's keeper (the platform's evaluator) uses; not offered to users. */
    public static final int KEEPER = 9;

    private static final int HARDENED = 0x80000000;

    private DevAccounts() {
    }

    public static Credentials account(int index) {
        Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(Anvil.MNEMONIC, ""));
        int[] path = {44 | HARDENED, 60 | HARDENED, HARDENED, 0, index};
        return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, path));
    }

    public static List<Credentials> accounts(int count) {
        List<Credentials> accounts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            accounts.add(account(i));
        }
        return accounts;
    }
}
