package dev.bountymarket.evaluator.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import dev.bountymarket.evaluator.EvaluationException;
import dev.bountymarket.evaluator.ErrorCode;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {
    @Test
    void autoTakesTheGpuOnlyWhenTheBuildHasCudaAndTheEngineSeesAGpu() throws Exception {
        assertEquals(Device.gpu(0), DeviceSelection.choose(DevicePreference.AUTO, true, 2));
        assertEquals(Device.cpu(), DeviceSelection.choose(DevicePreference.AUTO, true, 0));
        assertEquals(Device.cpu(), DeviceSelection.choose(DevicePreference.AUTO, false, 4));
        assertEquals(Device.cpu(), DeviceSelection.choose(DevicePreference.CPU, true, 4));
    }

    @Test
    void requiringAGpuFailsClearlyWithoutOne() throws Exception {
        assertEquals(Device.gpu(0), DeviceSelection.choose(DevicePreference.GPU, true, 1));
        EvaluationException noProvider = assertThrows(EvaluationException.class,
                () -> DeviceSelection.choose(DevicePreference.GPU, false, 1));
        assertEquals(ErrorCode.DEVICE_UNAVAILABLE, noProvider.code());
        assertEquals("a GPU was required but this build of the evaluator has no CUDA execution provider"
                + " (build it with mvn -Pgpu)", noProvider.getMessage());
        EvaluationException noGpu = assertThrows(EvaluationException.class,
                () -> DeviceSelection.choose(DevicePreference.GPU, true, 0));
        assertEquals("a GPU was required but the engine reports no NVIDIA GPU on this machine", noGpu.getMessage());
    }

    @Test
    void thisMachineRunsOnTheCpuAndTheEnvelopeSaysSo() throws Exception {
        assertEquals(Device.cpu(), DeviceSelection.chooseHere(DevicePreference.AUTO));
        assertEquals("cpu", DeviceSelection.describe(Device.cpu()));
        assertEquals("gpu:0 (CUDA)", DeviceSelection.describe(Device.gpu(0)));
    }
}
