package archfixtures;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** An entity written outside any feature's internal package: ArchitectureTest's placement rule refuses it. */
@Entity
public class StrayEntity {

    @Id
    Long id;
}
