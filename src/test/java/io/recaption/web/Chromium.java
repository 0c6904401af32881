package io.recaption.web;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and its chromedriver, headless, for the browser tests. The driver's path is given explicitly
 * so that Selenium Manager looks nothing up and downloads nothing. Without them a test fails under CI (which
 * installs them: .ci/run) and is skipped, with the reason, elsewhere.
 */
final class Chromium {

    static final Path BROWSER = Path.of(System.getProperty("recaption.chromium", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("recaption.chromedriver", "/usr/bin/chromedriver"));

    private Chromium() {}

    static ChromeDriver start() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            String why = "no Chromium at " + BROWSER + " or no chromedriver at " + DRIVER
                    + " (Debian: apt-get install -y chromium chromium-driver; .ci/run does this)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("CI must run the browser tests: " + why);
            }
            Assumptions.abort("browser test skipped: " + why);
        }
        System.setProperty("SE_OFFLINE", "true");
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1500", "--lang=en-GB", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(60))
                .build();
        return new ChromeDriver(service, options);
    }
}
